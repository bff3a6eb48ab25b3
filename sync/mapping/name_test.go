package mapping_test

import (
	"testing"

	"github.com/crmsync/crmsync/sync/mapping"
)

// TestNameNormalizer: company names that read the same match; names
// that differ in a word (a legal form) do not.
func TestNameNormalizer(t *testing.T) {
	key := func(s string) string {
		k, err := mapping.Normalize("name", s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return k
	}
	for _, same := range [][2]string{{"Acme, Inc.", "ACME Inc"}, {" Nordlys  Consulting ", "nordlys consulting"}, {"Smith & Sons", "SMITH & SONS"}} {
		if key(same[0]) != key(same[1]) {
			t.Errorf("%q and %q: keys %q and %q, want one", same[0], same[1], key(same[0]), key(same[1]))
		}
	}
	for _, diff := range [][2]string{{"Acme Ltd", "Acme Inc"}, {"Acme", "Acme Labs"}, {"AB & C", "AB C"}} {
		if key(diff[0]) == key(diff[1]) {
			t.Errorf("%q and %q both key %q", diff[0], diff[1], key(diff[0]))
		}
	}
	if k := key(" ., "); k != "" {
		t.Errorf("punctuation alone keys %q, want none", k)
	}
}
