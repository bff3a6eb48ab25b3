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
