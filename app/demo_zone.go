package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
)

// portalDates are the HubSpot datetimes the ready-made syncs write as
// dates (date:UTC in DemoSyncs): an activity's due date and a deal's close
// date, which HubSpot shows as days in the portal's time zone.
var portalDates = map[string]bool{"hs_timestamp": true, "closedate": true}

// ReadyMadeSyncs is DemoSyncs with each HubSpot task's and call's due date,
// and each deal's close date, in the portal's own time zone, read once
// from the HubSpot connection:
// HubSpot shows hs_timestamp in that zone (its default due time is 8:00
// AM there), so a Tokyo task due 10 December at 8:00 is due on 10
// December in the other CRM, not on the 9th (23:00 UTC), and a date from
// the other CRM is that day's start in the portal. When the zone cannot
// be read the due dates stay in UTC and note says so; note is "" when
// the zone was read.
func (a *App) ReadyMadeSyncs(ctx context.Context, c DemoConnections) (defs []engine.Definition, note string) {
	defs = DemoSyncs(c)
	a.leadCompanyOptional(ctx, defs, c.Salesforce)
	zone, err := a.AccountZone(ctx, c.HubSpot)
	if err != nil {
		note = fmt.Sprintf("The time zone of HubSpot connection %s could not be read (%v): due dates and deals' close dates are synced as dates in UTC, "+
			"so a task due late in the evening or early in the morning may land a day off; set the zone in each sync's date transform (date:ZONE).", c.HubSpot, err)
		a.log.Warn("ready-made syncs: HubSpot time zone unread; due dates in UTC", "connection", c.HubSpot, "err", err)
		return defs, note
	}
	for i := range defs {
		if defs[i].A.Connection != c.HubSpot {
			continue
		}
		defs[i].Fields = append(defs[i].Fields[:0:0], defs[i].Fields...) // the definitions share nothing
		for j, f := range defs[i].Fields {
			if portalDates[f.A] && f.Transform == "date:UTC" {
				defs[i].Fields[j].Transform = "date:" + zone
			}
		}
	}
	return defs, ""
}

// AccountZone reads the time zone of the connection's account (a HubSpot
// portal's, a Salesforce or Zoho org's, a Pipedrive user's: any connector
// that is a connector.TimeZoner), checked as a zone the date transform can
// load: the ready-made syncs and the sync editor turn the account's
// datetimes into dates in it ("date:ZONE").
//
// The zone is kept in the connection's metadata cache, as its schemas and
// users are, for connector.MetaTTL (a context marked
// connector.WithFreshSchema reads it again), so the editor's every load
// of a side spends no call on it; a zone that could not be read is not
// kept. A connection whose CRM says no zone answers ErrNoTimeZone.
func (a *App) AccountZone(ctx context.Context, conn string) (string, error) {
	s, err := a.OpenConnection(ctx, conn)
	if err != nil {
		return "", err
	}
	defer a.closeSession(ctx, s)
	tz, ok := s.Client.(connector.TimeZoner)
	if !ok {
		return "", fmt.Errorf("%s %w", s.Info.Title, ErrNoTimeZone)
	}
	meta := connector.Meta{Cache: a.metaCache(s.Conn)}
	if !connector.FreshSchema(ctx) {
		if b, ok, _ := meta.Lookup(ctx, zoneKey); ok {
			if _, err := time.LoadLocation(string(b)); err == nil {
				return string(b), nil
			}
		}
	}
	zone, err := tz.TimeZone(ctx)
	if err != nil {
		return "", err
	}
	if _, err := time.LoadLocation(zone); err != nil {
		return "", fmt.Errorf("unknown time zone %q", zone)
	}
	_ = meta.Store(ctx, zoneKey, []byte(zone)) // the cache's owner logs its failures
	return zone, nil
}

// zoneKey keeps a connection's account time zone in its metadata cache.
const zoneKey = "account/timezone"

// ErrNoTimeZone is AccountZone's answer for a CRM that says no account
// time zone (Dynamics 365, Mailchimp, Klaviyo, Brevo): nothing failed.
var ErrNoTimeZone = errors.New("does not say its time zone")
