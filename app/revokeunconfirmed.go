package app

import "fmt"

// RevokeUnconfirmedError is Disconnect's error when the connection is gone
// from this computer and only the vendor's revoke failed: what was asked
// is done, but the grant may still work at the vendor.
type RevokeUnconfirmedError struct {
	Name string // the connection
	Err  error  // the revoke's failure, without a token
}

func (e *RevokeUnconfirmedError) Error() string {
	return fmt.Sprintf("disconnected %s locally, but the vendor did not confirm the revoke: %v", e.Name, e.Err)
}

func (e *RevokeUnconfirmedError) Unwrap() error { return e.Err }
