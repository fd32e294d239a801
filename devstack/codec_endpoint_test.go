package devstack

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// make dev's Web UI decodes through orderdesk's codec endpoint: the dev
// server is given it, and the pinned CLI has the flag.
func TestTheWebUIIsPointedAtTheCodecEndpoint(t *testing.T) {
	const endpoint = "http://127.0.0.1:41113/token"
	args := TemporalArgs(TemporalOptions{Port: 7243, UIPort: 8233, UICodecEndpoint: endpoint})
	i := slices.Index(args, "--ui-codec-endpoint")
	if i < 0 || i+1 >= len(args) || args[i+1] != endpoint {
		t.Fatalf("the dev server is not pointed at the codec endpoint: %v", args)
	}
	if slices.Contains(TemporalArgs(TemporalOptions{Port: 7243, Headless: true, UICodecEndpoint: endpoint}), "--ui-codec-endpoint") {
		t.Error("a headless server (no Web UI) is given a codec endpoint")
	}
	if slices.Contains(TemporalArgs(TemporalOptions{Port: 7243, UIPort: 8233}), "--ui-codec-endpoint") {
		t.Error("a codec endpoint is given when there is none")
	}

	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	bin, err := TemporalCLI(root)
	if err != nil {
		t.Fatal(err)
	}
	help, err := exec.Command(bin, "server", "start-dev", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("%s server start-dev --help: %v\n%s", bin, err, help)
	}
	if !strings.Contains(string(help), "--ui-codec-endpoint") {
		t.Fatalf("the Temporal CLI %s has no --ui-codec-endpoint", TemporalCLIVersion)
	}
}
