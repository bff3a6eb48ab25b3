package mapping

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// SeparatorOptionError is a multi-select value holding an option whose
// own text contains connector.MultiSep (a Zoho option "R&D; Labs"): the
// joined form cannot tell it from two options, and HubSpot's and
// Salesforce's multi-selects, which separate values with it, cannot hold
// it as one. The record's field is refused, never split or merged into
// other options.
type SeparatorOptionError struct {
	Field  string // the multi-select holding the option
	Option string
}

func (e *SeparatorOptionError) Error() string {
	return fmt.Sprintf("option %q of %s contains %q, which also separates the values of a multi-select, so it cannot be synced as one value; %s is left as it is on both sides (rename the option without %q to sync it)",
		e.Option, e.Field, connector.MultiSep, e.Field, connector.MultiSep)
}

// refuseSeparated is a *SeparatorOptionError when raw, read from or
// written to the one field of fs, holds an option of it containing
// connector.MultiSep.
func refuseSeparated(raw string, fs []connector.Field) error {
	if len(fs) != 1 || fs[0].Type != connector.TypeMulti {
		return nil
	}
	if o := heldSeparatorOption(raw, fs[0]); o != "" {
		return &SeparatorOptionError{Field: fs[0].Name, Option: o}
	}
	return nil
}

// heldSeparatorOption is the option of f containing connector.MultiSep
// whose parts v holds one after another, as a vendor that joins its
// array of values writes it ("" when none).
func heldSeparatorOption(v string, f connector.Field) string {
	if !strings.Contains(v, connector.MultiSep) {
		return ""
	}
	parts := trimmedParts(v)
	for _, o := range f.Options {
		if !strings.Contains(o.Value, connector.MultiSep) {
			continue
		}
		run := trimmedParts(o.Value)
		for i := 0; i+len(run) <= len(parts); i++ {
			if slices.Equal(parts[i:i+len(run)], run) {
				return o.Value
			}
		}
	}
	return ""
}

// trimmedParts is v split at connector.MultiSep, each part trimmed.
func trimmedParts(v string) []string {
	parts := strings.Split(v, connector.MultiSep)
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}
