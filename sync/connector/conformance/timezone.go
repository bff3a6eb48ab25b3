package conformance

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// CheckTimeZone checks a connector's account time zone against its
// sandbox: UTC while none is set (the sandboxes' default), then zone once
// set sets it.
func CheckTimeZone(t *testing.T, tz connector.TimeZoner, set func(string), zone string) {
	t.Helper()
	if got, err := tz.TimeZone(context.Background()); err != nil || got != "UTC" {
		t.Fatalf("TimeZone() = %q, %v; want UTC by default", got, err)
	}
	set(zone)
	if got, err := tz.TimeZone(context.Background()); err != nil || got != zone {
		t.Fatalf("TimeZone() = %q, %v; want %s", got, err, zone)
	}
}
