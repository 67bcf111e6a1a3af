package inspect

import (
	"regexp"
	"sync"
	"unicode/utf8"
)

// Addressing the model in languages whose words the addressee forms of
// flow.go cannot anchor at: Chinese, Japanese and Korean, written without
// spaces, and Polish and Russian, whose model nouns decline. A note for the
// model is the same structure in each: a word for a note or a dative ("给",
// "への", "에게", "dla", "для"), a model noun, a colon. Words are data, one
// alternation per language, about the class (model nouns, datives, notes),
// not about any one attack.

// mlModelNouns are the model nouns of mlAddr as needles (lower case, as
// normaliseText leaves them): a text without one is never addressed by it.
var mlModelNouns = []string{
	"アシスタント", "エージェント", "モデル", "人工知能", "人工智能", "模型", "助手", "智能体", "机器人",
	"어시스턴트", "에이전트", "모델", "인공지능", "챗봇",
	"asystent", "modelu", "modelowi", "agenta", "agencie", "agentów", "chatbot",
	"ассистент", "модел", "агент", "нейросет", "чат-бот",
	"aiへ", "aiに", "ai에게", "给ai", "致ai", "对ai",
	// Indonesian, Vietnamese, Turkish, Arabic and Hindi (mlAddrMore);
	// Dutch uses the nouns of flow.go.
	"asisten", "trợ lý", "mô hình", "tác tử", "yapay zek", "asistan",
	"مساعد", "نموذج", "وكيل", "ذكاء", "सहायक", "मॉडल", "एजेंट", "एआई", "चैटबॉट",
	"для ии", "к ии",
}

// mlCueWords are the words that open an address of mlAddrMore to a model
// noun of flow.go ("voor de agent:", "untuk model:", "gửi ai:", "model
// için not:"): needles of mlAddr besides mlModelNouns, not of the gates,
// which the noun itself passes.
var mlCueWords = []string{"voor ", "aan ", "untuk ", "kepada ", "bagi ", "gửi ", "cho ", "için "}

// mlAddrMore addresses the model in Dutch, Indonesian, Vietnamese,
// Turkish, Arabic and Hindi, and in Russian with a dative alone: a note
// for the model ("opmerking voor de assistent:", "catatan untuk asisten:",
// "lưu ý cho trợ lý ai:", "ملاحظة للنموذج:", "एजेंट के लिए नोट:"), the
// model in the dative or as a letter's addressee at the start of a
// sentence ("aan de assistent:", "kepada asisten:", "gửi trợ lý ai:",
// "asistana:", "إلى المساعد:", "для ии-агента:"). As in mlAddr, the model
// noun ends the address: "voor de ontwikkelaars van de assistent" is for
// people.
const mlAddrMore = `|(?:` + flowNB + `(?:opmerking|notitie|instructies?|aanwijzing(?:en)?|bericht|mededeling|nota|let op)\s+(?:\p{L}+\s+)?(?:voor|aan)|(?:^|[\n.!?;:])\s*(?:voor|aan))\s+(?:de\s+|het\s+|onze\s+|jouw\s+)?(?:ai-?)?(?:assistent(?:en)?|taalmodel(?:len)?|model(?:len)?|agent(?:en)?|ai|chatbot)\s*[:,]` +
	`|(?:` + flowNB + `(?:catatan|petunjuk|instruksi|pesan|perhatian|arahan)\s+(?:\p{L}+\s+)?(?:untuk|bagi|kepada)|(?:^|[\n.!?;:])\s*(?:untuk|kepada|halo|hai))\s+(?:para\s+|sang\s+)?(?:asisten|model|agen|chatbot|ai)(?:\s+(?:ai|bahasa))?\s*[:,]` +
	`|(?:` + flowNB + `(?:ghi chú|lưu ý|chỉ dẫn|hướng dẫn|chỉ thị|lời nhắn|thông điệp)\s+(?:dành\s+)?(?:cho|gửi)|(?:^|[\n.!?;:])\s*(?:gửi|kính gửi|thưa|chào|dành cho))\s+(?:các\s+|bạn\s+)?(?:trợ lý|mô hình|tác tử|chatbot|ai)(?:\s+(?:ai|ảo|ngôn ngữ))?\s*[:,]` +
	`|` + flowNB + `(?:yapay zek[aâ]|asistan|model|ajan)(?:'?(?:y[ae]|n[ae]|[ıiuü]n[ae]|[ae]))\s*[:,]|` + flowNB + `(?:yapay zek[aâ]|asistan|model|ajan)\p{L}*\s+için\s+(?:not|talimat|uyarı|mesaj)\p{L}*\s*:` +
	`|(?:ملاحظة|ملاحظات|تعليمات|تنبيه|رسالة|إرشادات)\s+(?:\p{L}+\s+)?(?:لل|إلى\s+ال|الى\s+ال)(?:مساعد|نموذج|وكيل|ذكاء)\p{L}*(?:\s+\p{L}+)?\s*[:،,]|(?:^|[\n.!?;:])\s*(?:إلى|الى|عزيزي|أيها)\s+(?:ال)?(?:مساعد|نموذج|وكيل)\p{L}*\s*[:،,]` +
	`|(?:सहायक|मॉडल|एजेंट|एआई|ai|चैटबॉट)\s+(?:के\s+लिए|को)\s*(?:(?:निर्देश|नोट|सूचना|संदेश|टिप्पणी)\s*)?[:,]` +
	`|(?:^|[\n.!?;:])\s*(?:для|к)\s+(?:ии-?\s*)?(?:ассистент|модел|агент|нейросет|чат-бот|ии)\p{L}*\s*[:,]`

const mlNoun = `(?:ai|人工知能|人工智能|アシスタント|エージェント|モデル|模型|助手|智能体|智能助手|机器人|어시스턴트|에이전트|모델|인공지능|챗봇)`

var mlTables = sync.OnceValue(func() *mlLex {
	return &mlLex{
		addr: regexp.MustCompile(
			// Chinese: 给/致/写给 … model noun … colon ("给模型的说明:", "给正在阅读评论的人工智能:").
			`(?:给|致|写给|告)[^。\n:]{0,24}?` + mlNoun + `(?:的)?(?:说明|提示|注意事项|注意|指示|指令|留言|消息|备注|话)?\s*:` +
				// Japanese: model noun, a dative or "for", maybe a word for a note, colon ("aiアシスタントへの注意:").
				`|` + mlNoun + `(?:さん)?(?:への|へ|に対する|宛ての?|向けの?)(?:注意事項|注意|指示|指令|お願い|メッセージ|メモ|連絡|ご案内|案内|お知らせ)?\s*:` +
				// Korean: model noun in the dative ("모델에게:", "에이전트께").
				`|` + mlNoun + `(?:에게|께|한테)(?:\s*(?:알림|메모|지시|안내|참고))?\s*[:,]` +
				// Polish: a note for the model ("wskazówka dla asystenta:"), or the model in the vocative.
				`|` + flowNB + `(?:wskazówk\p{L}*|uwag\p{L}*|notatk\p{L}*|instrukcj\p{L}*|wiadomoś\p{L}*|polecen\p{L}*|informacj\p{L}*)\s+(?:\p{L}+\s+)?(?:dla|do)\s+(?:(?:\p{L}+\s+){0,2}?(?:asystent\p{L}*|model\p{L}*|agent\p{L}*|chatbot\p{L}*)|ai|si)\s*[:,]` +
				`|(?:^|[\n.!?;])\s*(?:drog[iay]|drodzy|szanown[yai])?\s*(?:asystencie|modelu|agencie)\s*[:,]` +
				// Russian: a note for the model, or the model in the vocative.
				`|` + flowNB + `(?:примечани\p{L}*|заметк\p{L}*|инструкци\p{L}*|указани\p{L}*|сообщени\p{L}*|подсказк\p{L}*)\s+(?:\p{L}+\s+)?(?:для|к)\s+(?:(?:\p{L}+\s+){0,2}?(?:ассистент\p{L}*|модел\p{L}*|агент\p{L}*|нейросет\p{L}*|чат-бот\p{L}*)|ии|ai)\s*[:,]` +
				`|(?:^|[\n.!?;])\s*(?:дорог\p{L}*|уважаем\p{L}*)?\s*(?:ассистент|модель|агент|нейросеть)\s*[:,]` + mlAddrMore),
		// A request: polite or imperative forms and modals, in the same
		// languages (ください, 请, 务必, 세요, proszę, należy, пожалуйста).
		request: regexp.MustCompile(`ください|下さい|しなさい|すること|せよ|して|请|請|务必|務必|必须|必須|一定要|不要|别|應該|应该|세요|십시오|하라|해라|마세요|주십시오|하십시오|proszę|należy|musisz|zawsze|pamiętaj|nie |пожалуйста|должн\p{L}*|всегда|нужно|обязательно|не ` +
			// Dutch, Indonesian, Vietnamese, Turkish, Arabic, Hindi.
			`|` + flowNB + `(?:alstublieft|graag|moet|altijd|nooit|zorg dat|harap|tolong|mohon|selalu|wajib|harus|jangan|segera|hãy|vui lòng|phải|luôn|đừng|không được|lütfen|mutlaka|her zaman|hemen|asla)` + flowNE +
			`|يجب|دائما|دائمًا|من فضلك|رجاء|الرجاء|لا ت|कृपया|हमेशा|ज़रूर|जरूर|अवश्य|करें|भेजें|पढ़ें`),
	}
})

// mlLex holds the tables of this file.
type mlLex struct {
	addr, request *regexp.Regexp
}

// mlAddressee returns the span of the first place where norm (a normalised
// text holding one of mlModelNouns) addresses the model in one of the
// languages of mlAddr, or nil.
func mlAddressee(norm string) []int {
	loc := mlTables().addr.FindStringIndex(norm)
	if loc == nil || quoted(norm, loc[0], loc[1]) {
		return nil
	}
	return loc
}

// mlRequested reports whether rest (the text after an addressee of
// mlAddr) asks for something: a request form of those languages, or of
// the flow lexicons, and is more than a heading (eight letters or more).
func mlRequested(l *flowLex, rest string) bool {
	if utf8.RuneCountInString(rest) < 8 {
		return false
	}
	return mlTables().request.MatchString(rest) || l.action.MatchString(rest) || l.urlSink.MatchString(rest) || l.strongSource.MatchString(rest) || l.conceal.MatchString(rest)
}
