package engine

import "testing"

func TestFilterOperators(t *testing.T) {
	fields := map[string]string{"roles": "Champion Plus;Decision Maker", "city": "Berlin", "n": "9"}
	cases := []struct {
		f    Filter
		want bool
	}{
		{Filter{Field: "roles", Op: "includes", Value: "decision maker"}, true},
		{Filter{Field: "roles", Op: "includes", Value: "Champion"}, false}, // not a value, only part of one
		{Filter{Field: "roles", Op: "contains", Value: "Champion"}, true},
		{Filter{Field: "missing", Op: "includes", Value: "Champion"}, false},
		{Filter{Field: "city", Op: "includes", Value: "Berlin"}, true}, // a one-value selection
		{Filter{Field: "n", Op: "gt", Value: "10"}, false},
		{Filter{Field: "city", Op: "starts-with", Value: "ber"}, true},
	}
	for _, tc := range cases {
		if got := passes([]Filter{tc.f}, fields); got != tc.want {
			t.Errorf("%+v on %v = %v; want %v", tc.f, fields, got, tc.want)
		}
	}
}
