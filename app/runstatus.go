package app

// What a run's failure says about its connections: a refused sign-in marks
// the connection "reconnect", a refused account "account"; a working one
// clears the mark.

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
)

// noteAuthFailure marks a connection "reconnect" when its grant failed, so
// the Connections screen shows the next step.
func (a *App) noteAuthFailure(ctx context.Context, err error, sessions ...*Session) {
	if err == nil || !errors.Is(err, connector.ErrAuth) && !errors.Is(err, auth.ErrReconnectNeeded) {
		return
	}
	for _, s := range refusedSessions(err, sessions) {
		if !a.signInReplaced(ctx, s) {
			_ = a.db.SetConnectionStatus(context.WithoutCancel(ctx), s.Conn.Name, "reconnect", err.Error())
		}
	}
}

// signInReplaced says whether session s's connection was signed in again
// by the other kind while s ran (OAuth replaced by a pasted key, or back):
// the refusal s saw was of a sign-in that is gone and says nothing of the
// new one, so it must not mark the connection "needs reconnect".
func (a *App) signInReplaced(ctx context.Context, s *Session) bool {
	c, err := a.db.Connection(context.WithoutCancel(ctx), s.Conn.Name)
	return err == nil && c.AuthKind != s.Conn.AuthKind
}

// noteAccountRefused marks "account" the connection whose vendor refused
// the account itself (closed, unpaid, over its plan), with the vendor's
// words. Its sign-in is fine and its tokens stay: a reconnect cannot help,
// only the account's owner can, so it is not marked "reconnect".
func (a *App) noteAccountRefused(ctx context.Context, err error, sessions ...*Session) {
	if err == nil || !errors.Is(err, connector.ErrAccount) {
		return
	}
	msg := err.Error()
	var ce *connector.Error
	if errors.As(err, &ce) {
		msg = ce.Error()
	}
	for _, s := range accountSessions(sessions, ce) {
		if err := a.db.SetConnectionStatus(context.WithoutCancel(ctx), s.Conn.Name, StatusAccount, msg); err != nil {
			a.log.Warn("mark the connection's account refused", "connection", s.Conn.Name, "err", err)
		}
	}
}

// StatusAccount is a connection whose vendor refused its account (billing
// or plan): the owner must fix it in the vendor, then run again. It is the
// schema's "error" status, which nothing else sets: a status of its own
// would mean rebuilding the connections table (a CHECK constraint).
const StatusAccount = "error"

// accountSessions is the sessions that saw a 402, or else those of the
// vendor that refused (a refusal by another status).
func accountSessions(sessions []*Session, ce *connector.Error) []*Session {
	var out []*Session
	for _, s := range sessions {
		if s.accountRefused.Load() {
			out = append(out, s)
		}
	}
	if len(out) > 0 || ce == nil {
		return out
	}
	for _, s := range sessions {
		if s.Conn.Vendor == ce.Vendor {
			out = append(out, s)
		}
	}
	return out
}

// noteSignInWorks clears a "needs reconnect" left on a connection whose
// vendor has just answered a whole plan's reads: its sign-in works again
// (the admin restored the grant, the vendor's outage ended), and only
// connecting again used to clear it.
func (a *App) noteSignInWorks(ctx context.Context, sessions ...*Session) {
	for _, s := range sessions {
		if (s.Conn.Status == "reconnect" && !s.authRefused.Load()) || (s.Conn.Status == StatusAccount && !s.accountRefused.Load()) {
			if err := a.db.SetConnectionStatus(context.WithoutCancel(ctx), s.Conn.Name, "connected", ""); err != nil {
				a.log.Warn("clear the connection's reconnect status", "connection", s.Conn.Name, "err", err)
			}
		}
	}
}

// refusedSessions is the sessions whose vendor refused their sign-in, or
// all of them when none saw it (the refusal came another way): the other
// side's sign-in is fine, and sending the user to reconnect it misleads.
// A grant that failed to refresh names its session surely; any 403 flags
// one too (Salesforce throttles with 403 REQUEST_LIMIT_EXCEEDED), so an
// error naming its vendor counts only that vendor's sessions.
func refusedSessions(err error, sessions []*Session) []*Session {
	flagged := func(ss []*Session, flag func(*Session) *atomic.Bool) []*Session {
		var out []*Session
		for _, s := range ss {
			if f := flag(s); f != nil && f.Load() {
				out = append(out, s)
			}
		}
		return out
	}
	if errors.Is(err, auth.ErrReconnectNeeded) {
		if out := flagged(sessions, func(s *Session) *atomic.Bool { return s.grantRefused }); len(out) > 0 {
			return out
		}
	}
	var ce *connector.Error
	if errors.As(err, &ce) && ce.Vendor != "" {
		var same []*Session
		for _, s := range sessions {
			if s.Conn.Vendor == ce.Vendor {
				same = append(same, s)
			}
		}
		if len(same) > 0 {
			sessions = same
		}
	}
	if out := flagged(sessions, func(s *Session) *atomic.Bool { return s.authRefused }); len(out) > 0 {
		return out
	}
	return sessions
}
