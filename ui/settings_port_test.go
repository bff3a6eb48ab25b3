package ui

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestRedirectPortInUseIsRefused: Settings' OAuth redirect port is
// where the one-shot loopback listener of every new connection listens. A
// port another program holds would make every sign-in fail later; it is
// bad input, refused at once with a clear message, and not saved.
func TestRedirectPortInUseIsRefused(t *testing.T) {
	l := newLive(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().(*net.TCPAddr).Port
	l.navigate(ScreenSettings)
	var port *widget.Entry
	l.ui(func() {
		for _, e := range entriesOnScreen(l.u) {
			if e.PlaceHolder == "default" {
				port = e
			}
		}
	})
	if port == nil {
		t.Fatal("no port entry on Settings")
	}
	l.ui(func() { port.SetText(strconv.Itoa(busy)) })
	if got := l.u.app.Preferences().Int(prefRedirectPort); got == busy {
		t.Errorf("the port %d, which another program listens on, was saved", busy)
	}
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	if !strings.Contains(strings.Join(texts, "\n"), "in use") {
		t.Errorf("no message says port %d is in use: %q", busy, texts)
	}
}

func entriesOnScreen(u *UI) []*widget.Entry {
	var out []*widget.Entry
	for _, o := range test.LaidOutObjects(u.Window().Canvas().Content()) {
		if e, ok := o.(*widget.Entry); ok {
			out = append(out, e)
		}
	}
	return out
}

// TestSettingsShowsTheLogFile: a window started from a launcher has no
// terminal, so Settings names the log file a person (or support) reads
// to learn why a background run failed, and the file is there.
func TestSettingsShowsTheLogFile(t *testing.T) {
	l := newLive(t)
	l.navigate(ScreenSettings)
	path := l.a.LogPath()
	if path == "" {
		t.Fatal("the app opened no log file")
	}
	l.see("Log file")
	l.see(path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the log file Settings names is not there: %v", err)
	}
}
