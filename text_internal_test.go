package depot

import (
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"
)

// checkTextReference is checkText as first written: validate UTF-8, then look for control
// characters. The one-pass checkText must give the same answer for every string.
func checkTextReference(field, s string) *Rejection {
	if !utf8.ValidString(s) {
		return Reject(CodeInvalidArgument, field, "%s is not valid UTF-8", field)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return Reject(CodeInvalidArgument, field, "%s contains a control character", field)
		}
	}
	return nil
}

func TestCheckTextMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Bytes drawn from the interesting classes: printable ASCII, control bytes, DEL, UTF-8
		// lead and continuation bytes, so that valid and invalid sequences both occur.
		alphabet := []byte{'a', 'Z', '0', '-', ' ', 0x00, 0x1f, 0x7f, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0xff}
		b := rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, 24).Draw(t, "bytes")
		s := string(b)
		got, want := checkText("id", s), checkTextReference("id", s)
		if (got == nil) != (want == nil) || got != nil && got.Message != want.Message {
			t.Fatalf("checkText(%q) = %v, reference %v", s, got, want)
		}
	})
}
