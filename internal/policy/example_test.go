package policy_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ward-mcp/ward/internal/policy"
)

func ExampleEngine_EvaluateCall() {
	eng, err := policy.New(policy.DefaultConfig("/srv/app"))
	if err != nil {
		panic(err)
	}
	d := eng.EvaluateCall(context.Background(), &policy.Input{
		Server:    "fetch",
		Method:    "tools/call",
		Name:      "fetch",
		Arguments: json.RawMessage(`{"url":"http://0xA9FEA9FE/latest/meta-data/"}`),
	})
	fmt.Println(d.Action, d.RuleID)
	fmt.Println(d.Reasons[0])
	// Output:
	// deny net.ssrf.metadata
	// URL "http://0xA9FEA9FE/latest/meta-data/": address 169.254.169.254 is a cloud metadata service (written 0xa9fea9fe)
}

func ExampleEngine_InspectResult() {
	eng, err := policy.New(policy.DefaultConfig("/srv/app"))
	if err != nil {
		panic(err)
	}
	d := eng.InspectResult(context.Background(), &policy.Input{
		Server:    "fs",
		Method:    "tools/call",
		Direction: policy.ToHost,
		Result:    json.RawMessage(`{"content":[{"type":"text","text":"AWS_ACCESS_KEY_ID=AKIAQ3EGRTW5YHJ7KL2M"}]}`),
	})
	fmt.Println(d.Action, d.RuleID)
	fmt.Println(string(d.Rewritten))
	// Output:
	// redact secret.aws-access-key
	// {"content":[{"type":"text","text":"AWS_ACCESS_KEY_ID=[REDACTED:secret.aws-access-key]"}]}
}
