package relay_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

// wardIDJSON matches an id as ward writes it.
var wardIDJSON = regexp.MustCompile(`^"[0-9a-f]{16}"$`)

// behaviourServer is an in-process server whose answer to tools/call depends
// on the tool's name: "answer", "error", "twice" (two answers), "ignore"
// (none), "late" (after a pause, from another goroutine), "progress"
// (progress, then the answer). It reports requests whose id is not ward's.
type behaviourServer struct {
	conn transport.Conn

	mu         sync.Mutex
	violations []string
	wg         sync.WaitGroup
}

func (s *behaviourServer) violation(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
}

func (s *behaviourServer) send(msg []byte) {
	if s.conn.Write(msg) == nil {
		_ = s.conn.Flush()
	}
}

func (s *behaviourServer) serve() {
	defer func() {
		s.wg.Wait()
		_ = s.conn.Close() // the server exits at the end of its input
	}()
	var m jsonrpc.Message
	for {
		raw, err := s.conn.Read()
		if err != nil {
			return
		}
		if m.Decode(raw) != nil || m.Kind != jsonrpc.KindRequest {
			continue
		}
		id := append([]byte(nil), m.ID()...)
		if !wardIDJSON.Match(id) {
			s.violation("the server got a request with id %s", id)
		}
		name := relay.RequestName(m.Method, m.Params())
		result := []byte(`{"content":[{"type":"text","text":"` + name + `"}]}`)
		switch name {
		case "answer":
			s.send(jsonrpc.AppendResponse(nil, id, result))
		case "error":
			s.send(jsonrpc.AppendError(nil, id, -32000, "tool failed", nil))
		case "twice":
			s.send(jsonrpc.AppendResponse(nil, id, result))
			s.send(jsonrpc.AppendResponse(nil, id, result))
		case "late":
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				time.Sleep(30 * time.Millisecond)
				s.send(jsonrpc.AppendResponse(nil, id, result))
			}()
		case "progress":
			token := jsonrpc.Member(jsonrpc.Member(m.Params(), "_meta"), "progressToken")
			s.send(jsonrpc.AppendRequest(nil, nil, "notifications/progress", []byte(`{"progressToken":`+string(token)+`,"progress":1}`)))
			s.send(jsonrpc.AppendResponse(nil, id, result))
		}
	}
}

// TestRelayAnswersEachRequestOnce drives the relay with random mixes of
// requests, cancellations, garbage and notifications against a server that
// answers, fails, answers twice, answers late or never, and checks the
// relay's core promise: every request the host sent and did not cancel is
// answered exactly once, a cancelled one at most once, under the host's own
// id, and the server never sees a host id.
func TestRelayAnswersEachRequestOnce(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0x77617264))
			hostSide, relayHost := transport.Pipe()
			relayServer, serverSide := transport.Pipe()
			srv := &behaviourServer{conn: serverSide}
			srvDone := make(chan struct{})
			go func() { defer close(srvDone); srv.serve() }()
			r := relay.New(relayHost, relayServer, &relay.Options{
				RequestTimeout: 150 * time.Millisecond,
				MaxPending:     64,
				SessionID:      "property",
			})
			runDone := make(chan error, 1)
			go func() { runDone <- r.Run(context.Background()) }()

			var (
				mu  sync.Mutex
				got = map[string]int{} // responses by host id
			)
			readDone := make(chan struct{})
			go func() {
				defer close(readDone)
				var m jsonrpc.Message
				for {
					raw, err := hostSide.Read()
					if err != nil {
						return
					}
					if m.Decode(raw) != nil || !m.IsResponse() {
						continue
					}
					mu.Lock()
					got[string(m.ID())]++
					mu.Unlock()
				}
			}()

			sent := map[string]string{} // host id → behaviour
			cancelled := map[string]bool{}
			var ids []string
			write := func(msg string) {
				if hostSide.Write([]byte(msg)) != nil || hostSide.Flush() != nil {
					t.Error("host write failed")
				}
			}
			// The host sends from its own goroutine, so that a relay that
			// stops reading fails the test instead of hanging it.
			sendDone := make(chan struct{})
			go func() {
				defer close(sendDone)
				send(rng, write, sent, cancelled, &ids)
			}()
			select {
			case <-sendDone:
			case <-time.After(waitLimit):
				t.Fatalf("the relay stopped reading the host\n%s", goroutineDump())
			}
			_ = hostSide.CloseWrite()
			select {
			case err := <-runDone:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(waitLimit):
				t.Fatal("Run did not return")
			}
			<-srvDone
			_ = relayHost.Close()
			<-readDone
			_ = relayServer.Close()
			_ = hostSide.Close()

			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				n := got[id]
				switch {
				case cancelled[id] && n > 1:
					t.Errorf("cancelled request %s (%s) answered %d times", id, sent[id], n)
				case !cancelled[id] && n != 1:
					t.Errorf("request %s (%s) answered %d times, want once", id, sent[id], n)
				}
			}
			for id := range got {
				if wardIDJSON.MatchString(id) {
					t.Errorf("the host got a response with ward's id %s", id)
				}
			}
			for _, v := range srv.violations {
				t.Error(v)
			}
		})
	}
}

var behaviours = []string{"answer", "error", "twice", "ignore", "late", "progress"}

// send writes a random mix of 300 messages for the host: requests with ids
// of every form (recorded in sent and ids), cancellations of earlier ones
// (recorded in cancelled), cut-short lines and notifications.
func send(rng *rand.Rand, write func(string), sent map[string]string, cancelled map[string]bool, idsp *[]string) {
	for i := range 300 {
		switch k := rng.IntN(10); {
		case k < 7:
			// Ids of every form: integers, strings, negative.
			var id string
			switch rng.IntN(3) {
			case 0:
				id = strconv.Itoa(i)
			case 1:
				id = `"req-` + strconv.Itoa(i) + `"`
			default:
				id = strconv.Itoa(-i - 1)
			}
			b := behaviours[rng.IntN(len(behaviours))]
			sent[id] = b
			*idsp = append(*idsp, id)
			write(`{"jsonrpc":"2.0","id":` + id + `,"method":"tools/call","params":{"name":"` + b + `","arguments":{},"_meta":{"progressToken":"tok-` + strconv.Itoa(i) + `"}}}`)
		case k < 8 && len(*idsp) > 0:
			id := (*idsp)[rng.IntN(len(*idsp))]
			cancelled[id] = true
			write(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":` + id + `}}`)
		case k < 9:
			write(`{"jsonrpc":"2.0","id":` + strconv.Itoa(i) + `,"method":`) // cut short: a parse error
		default:
			write(`{"jsonrpc":"2.0","method":"notifications/message","params":{}}`)
		}
		if rng.IntN(20) == 0 {
			time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		}
	}
}
