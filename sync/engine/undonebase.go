package engine

import (
	"encoding/json"
	"strings"
)

// undonePrefix marks a row's base left by an undo (undoneBase).
const undonePrefix = "\x00undone"

// undoneBase is the base an undo leaves on a row where it restored one
// side and the other still holds what the undone run copied from it: each
// side's value as the undo left it. A single base would make the side not
// undone look changed, and the next read of that record would write the
// undone value again; with both, nothing is written until either side
// changes the field, and then that side's change goes through as usual.
func undoneBase(a, b string) string {
	j, _ := json.Marshal([2]string{a, b})
	return undonePrefix + string(j)
}

// undoneValues reads a base undoneBase wrote.
func undoneValues(bv string) (a, b string, ok bool) {
	rest, ok := strings.CutPrefix(bv, undonePrefix)
	if !ok {
		return "", "", false
	}
	var v [2]string
	if json.Unmarshal([]byte(rest), &v) != nil {
		return "", "", false
	}
	return v[0], v[1], true
}
