package engine

import (
	"errors"
	"fmt"

	"github.com/crmsync/crmsync/sync/connector"
)

// withNote adds note to err's message. A run keeps a connector.Error's
// own Message, not the text wrapped around it (runError), so a note
// wrapped around one would never reach History or the retry queue: the
// note goes into a copy's Message instead.
func withNote(err error, note string) error {
	var ce *connector.Error
	if errors.As(err, &ce) && ce.Message != "" {
		c := *ce
		c.Message += note
		return &c
	}
	return fmt.Errorf("%w%s", err, note)
}

// explained is err with its message replaced by what say makes of the
// vendor's own text (the Message withNote would extend), for a failure
// whose transport text alone tells a person nothing to act on. The
// category stays err's.
func explained(err error, say func(vendorText string) string) error {
	var ce *connector.Error
	if errors.As(err, &ce) && ce.Message != "" {
		c := *ce
		c.Message = say(ce.Message)
		return &c
	}
	return &explainedError{msg: say(err.Error()), err: err}
}

type explainedError struct {
	msg string
	err error
}

func (e *explainedError) Error() string { return e.msg }
func (e *explainedError) Unwrap() error { return e.err }
