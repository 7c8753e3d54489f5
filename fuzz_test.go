package depot_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/depothq/depot"
)

var update = flag.Bool("update", false, "rewrite the fuzz seed corpus under testdata/ from sampleCommands")

// FuzzDecodeEnvelope holds the codec to its promise: hostile bytes give an error, never a panic,
// and whatever decodes has exactly one encoding, so the journal's bytes and the engine's view of
// them can never disagree.
func FuzzDecodeEnvelope(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := depot.DecodeEnvelope(data)
		if err != nil {
			if !errors.Is(err, depot.ErrCodec) {
				t.Fatalf("error does not wrap ErrCodec: %v", err)
			}
			return
		}
		if again := depot.AppendEnvelope(nil, &env); !bytes.Equal(again, data) {
			t.Fatalf("decoded %#v re-encodes to\n%x, input was\n%x", env.Cmd, again, data)
		}
		// Replay fingerprints the bytes DecodeEncoded recovers: they must be the command's
		// own encoding for whatever the decoder accepts.
		enc, _, err := depot.NewEnvelopeDecoder().DecodeEncoded(data, nil)
		if err != nil || !bytes.Equal(enc.Encoded, depot.AppendCommand(nil, env.Cmd)) {
			t.Fatalf("DecodeEncoded: err %v, Encoded %x, AppendCommand %x", err, enc.Encoded, depot.AppendCommand(nil, env.Cmd))
		}
		if enc.Fingerprint != depot.Fingerprint(enc.Encoded) {
			t.Fatalf("DecodeEncoded: Fingerprint %x is not that of its Encoded", enc.Fingerprint)
		}
		// Validate must be total on anything the decoder lets through.
		_ = env.Cmd.Validate()
	})
}

const corpusDir = "testdata/fuzz/FuzzDecodeEnvelope"

func seedName(k depot.CommandKind) string { return "seed-" + k.String() }

func seedFile(data []byte) []byte {
	return fmt.Appendf(nil, "go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(data)))
}

// TestFuzzDecodeEnvelopeCorpus keeps the committed seeds in step with the codec: one real
// encoded command of every kind. Run `go test . -run Corpus -update` after a codec change.
func TestFuzzDecodeEnvelopeCorpus(t *testing.T) {
	for _, c := range sampleCommands() {
		path := filepath.Join(corpusDir, seedName(c.Kind()))
		want := seedFile(encode(17, 1_700_000_000_000_000_000, c))
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create the seeds)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale (run with -update):\n got %q\nwant %q", path, got, want)
		}
	}
}
