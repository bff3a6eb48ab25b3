package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/syncfile"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/spf13/cobra"
)

// knownSync refuses a name no sync has as a usage error (exit 2), naming
// the closest syncs as cobra names a misspelt command.
func knownSync(ctx context.Context, a *app.App, name string) error {
	_, err := a.Sync(ctx, name)
	if err == nil {
		return nil
	}
	vs, lerr := a.Syncs(ctx)
	if lerr != nil {
		return err
	}
	names := make([]string, len(vs))
	for i, v := range vs {
		if v.Definition.Name == name {
			return err // there, but unreadable: not a typo
		}
		names[i] = v.Definition.Name
	}
	return unknownName("sync", name, names, "crmsync sync list")
}

// knownConnection is knownSync for a connection's name.
func knownConnection(ctx context.Context, a *app.App, name string) error {
	cs, err := a.Connections(ctx)
	if err != nil {
		return fmt.Errorf("list connections: %w", err)
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		if c.Name == name {
			return nil
		}
		names[i] = c.Name
	}
	return unknownName("connection", name, names, "crmsync connections")
}

// unknownName is the usage error for a name not among names, with the
// closest ones suggested ("did you mean") and the command that lists them.
func unknownName(what, name string, names []string, lister string) error {
	msg := fmt.Sprintf("no %s named %q", what, name)
	if s := closestNames(name, names); len(s) > 0 {
		for i := range s {
			s[i] = strconv.Quote(s[i])
		}
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return withCode(ExitUsage, errors.New(msg+" (list them with `"+lister+"`)"))
}

// closestNames borrows cobra's suggestions for a misspelt command.
func closestNames(name string, names []string) []string {
	// cobra's Name() ends at a space; a name may hold spaces.
	const sp = "\x1f"
	// Execute sets the distance to 2 before it suggests; called directly
	// it is 0, which suggests by prefix alone.
	root := &cobra.Command{SuggestionsMinimumDistance: 2}
	for _, n := range names {
		root.AddCommand(&cobra.Command{Use: strings.ReplaceAll(n, " ", sp), Run: func(*cobra.Command, []string) {}})
	}
	s := root.SuggestionsFor(strings.ReplaceAll(name, " ", sp))
	for i := range s {
		s[i] = strings.ReplaceAll(s[i], sp, " ")
	}
	return s
}

// knownRun refuses a run id no run has as a usage error, as knownSync
// does a name: a typo, not a failure of the store.
func knownRun(ctx context.Context, a *app.App, id int64) error {
	_, err := a.DB().Run(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return withCode(ExitUsage, fmt.Errorf("no run %d (list them with `crmsync runs`)", id))
	}
	return err
}

// knownReview is knownRun for a review item's id.
func knownReview(ctx context.Context, a *app.App, id int64) error {
	_, err := a.DB().Review(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return withCode(ExitUsage, fmt.Errorf("no review item %d (list them with `crmsync review list`)", id))
	}
	return err
}

// knownSides refuses a sync file whose side names a connection no one
// has as knownConnection does (exit 2, the closest names), at the line
// that names it. Before, `sync apply` exited 1 where every other command
// calls an unknown name a usage error.
func knownSides(ctx context.Context, a *app.App, file string, doc *syncfile.Doc, def engine.Definition) error {
	for _, s := range []struct{ key, conn string }{{"a", def.A.Connection}, {"b", def.B.Connection}} {
		err := knownConnection(ctx, a, s.conn)
		var ee *exitError
		if errors.As(err, &ee) && ee.code == ExitUsage {
			return withCode(ExitUsage, fmt.Errorf("%s: %s", file, doc.At("$."+s.key+".connection", ee.err.Error())))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
