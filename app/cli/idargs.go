package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// idKind names the rows an id argument points at and the command that
// lists them, for the usage error of an id no row can have.
type idKind struct {
	noun string // "run", "review item"
	list string // "crmsync runs"
}

func runIDKind() idKind    { return idKind{noun: "run", list: "crmsync runs"} }
func reviewIDKind() idKind { return idKind{noun: "review item", list: "crmsync review list"} }

// parseID reads an id argument. Ids are whole numbers from 1, so zero, a
// negative number, a fraction, text or a number past int64 is a usage
// error (exit 2) saying so: "not a number" was wrong for 0 and -1.
func parseID(s string, k idKind) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, withCode(ExitUsage, fmt.Errorf("no %s %q: %s ids are whole numbers from 1 (list them with `%s`)", k.noun, s, k.noun, k.list))
	}
	return id, nil
}

// negativeIDFlagErrors makes cmd, which takes one id argument, answer a
// negative id ("-1", which the flag parser reads as shorthand flags) as
// parseID does, rather than "unknown shorthand flag: '1' in -1".
func negativeIDFlagErrors(cmd *cobra.Command, k idKind) {
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		var ne *pflag.NotExistError
		if errors.As(err, &ne) && looksNumeric(ne.GetSpecifiedShortnames()) {
			_, err := parseID("-"+ne.GetSpecifiedShortnames(), k)
			return err
		}
		return withCode(ExitUsage, err)
	})
}

// looksNumeric reports whether s is digits, with perhaps a decimal point.
func looksNumeric(s string) bool {
	return s != "" && strings.Trim(s, "0123456789.") == ""
}
