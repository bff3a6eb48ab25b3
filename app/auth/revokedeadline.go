package auth

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RevokeTimeout bounds one revoke call. Revokes are best effort and are
// sent while the user waits (disconnect, signing in again, switching to a
// key): a vendor that never answers must not hold them for the HTTP
// client's whole timeout (a minute or more for vendor calls).
const RevokeTimeout = 10 * time.Second

// errRevokeDeadline is the cause of a revoke's context ending on
// RevokeTimeout, told apart from the caller's own cancellation.
var errRevokeDeadline = errors.New("revoke deadline")

// withRevokeDeadline is ctx ending after RevokeTimeout at most.
func withRevokeDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, RevokeTimeout, errRevokeDeadline)
}

// revokeTimedOut is the error for a revoke that met its own deadline, or
// nil when ctx ended otherwise (or has not).
func revokeTimedOut(ctx context.Context, vendor string) error {
	if !errors.Is(context.Cause(ctx), errRevokeDeadline) {
		return nil
	}
	return fmt.Errorf("%s: revoke timed out: no answer within %s: %w", vendor, RevokeTimeout, context.DeadlineExceeded)
}
