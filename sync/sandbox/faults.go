package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// ParseFaults parses "429=0.05,5xx=0.02,latency=20ms". Empty means no faults.
func ParseFaults(spec string) (simkit.Faults, error) {
	var f simkit.Faults
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return f, fmt.Errorf("faults: %q: want key=value", part)
		}
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		switch key {
		case "429", "5xx":
			p, err := strconv.ParseFloat(val, 64)
			if err != nil || p < 0 || p > 1 {
				return f, fmt.Errorf("faults: %q: probability must be a number in [0,1]", part)
			}
			if key == "429" {
				f.P429 = p
			} else {
				f.P5xx = p
			}
		case "latency":
			d, err := time.ParseDuration(val)
			if err != nil || d < 0 {
				return f, fmt.Errorf("faults: %q: latency must be a duration like 20ms", part)
			}
			f.Latency = d
		default:
			return f, fmt.Errorf("faults: %q: unknown key %q (want 429, 5xx or latency)", part, key)
		}
	}
	if f.P429+f.P5xx > 1 {
		return f, fmt.Errorf("faults: 429 and 5xx probabilities add up to more than 1")
	}
	return f, nil
}
