package jsonscan

import "testing"

func TestScalar(t *testing.T) {
	for in, want := range map[string]string{
		`"Ada"`: "Ada", `"caf\u00e9"`: "café", ` 42.5 `: "42.5", `true`: "true",
		`null`: "", `{"a":1}`: "", ``: "", `"unterminated`: "",
		`["a", 2, null, {"x":1}, "b"]`: "a;2;b", `[]`: "",
	} {
		if got := Scalar([]byte(in), ";"); got != want {
			t.Errorf("Scalar(%s) = %q, want %q", in, got, want)
		}
	}
}
