package connector_test

import (
	"slices"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

func TestSplitMulti(t *testing.T) {
	cases := map[string][]string{
		"":                      nil,
		" ; ;":                  nil,
		"b;a":                   {"b", "a"},
		" Champion ;End User;;": {"Champion", "End User"},
		"x;y;x; y":              {"x", "y"},
	}
	for in, want := range cases {
		if got := connector.SplitMulti(in); !slices.Equal(got, want) {
			t.Errorf("SplitMulti(%q) = %q; want %q", in, got, want)
		}
	}
}
