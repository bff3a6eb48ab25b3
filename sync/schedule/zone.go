package schedule

import (
	"os"
	"runtime"
	"strings"
	"time"
)

// MachineZone is the machine's zone now, for Options.Location. Go reads
// time.Local once at start; on Linux and macOS the zone is the link
// /etc/localtime, which a zone change (timedatectl, macOS's automatic
// zone) replaces, so it is read again. Elsewhere (Windows keeps it in the
// registry) it is time.Local.
func MachineZone() *time.Location { return machineZoneFrom("/etc/localtime") }

func machineZoneFrom(path string) *time.Location {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		return time.Local
	}
	if _, ok := os.LookupEnv("TZ"); ok {
		return time.Local // TZ fixes the zone for the process's life
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return time.Local
	}
	name := "Local"
	if target, err := os.Readlink(path); err == nil {
		if _, after, ok := strings.Cut(target, "zoneinfo/"); ok {
			name = after
		}
	}
	loc, err := time.LoadLocationFromTZData(name, b)
	if err != nil {
		return time.Local
	}
	return loc
}
