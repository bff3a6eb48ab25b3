package mapping

import (
	"fmt"
	"strings"
)

// UnnamedError is a B value that a row's reverse_value_map maps to ""
// (names no A value): Dataverse's Open state has no one HubSpot deal
// stage. Writing it leaves A's value as it is (it is ErrNoCounterpart),
// where an unmapped value would wait in review.
type UnnamedError struct {
	Value    string // B's value
	From, To string // the B and A fields
}

func (e *UnnamedError) Error() string {
	return fmt.Sprintf("%s %q names no %s in the reverse value map, so %s is left as it is", e.From, e.Value, e.To, e.To)
}

func (e *UnnamedError) Unwrap() error { return ErrNoCounterpart }

// Unnamed says whether canon is a B value the row's reverse value map
// names no A value for (maps to "").
func (r Row) Unnamed(canon string) bool {
	return r.c != nil && r.c.unnamed(canon)
}

func (c *codec) unnamed(canon string) bool {
	if c.rev == nil || c.rev.name != "map" || Blank(canon) {
		return false
	}
	v, err := c.rev.forward(canon)
	return err == nil && v == ""
}

// unnamedError is UnnamedError for canon, written from B onto A.
func (c *codec) unnamedError(canon string) error {
	return &UnnamedError{Value: canon, From: strings.Join(names(c.b), "+"), To: strings.Join(names(c.a), "+")}
}
