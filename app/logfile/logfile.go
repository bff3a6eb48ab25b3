// Package logfile is the app's log in its data folder: a file only its
// owner can read, which keeps itself and one older file under a size.
//
// A desktop app started from a launcher has no terminal, so what it writes
// to standard error is lost; the file is where a person (or support) finds
// why a background run failed.
package logfile

import (
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// File is an append-only log file that moves itself to Path+".1" when a
// write would take it past Max bytes. Safe for concurrent use.
type File struct {
	path string
	max  int64

	mu   sync.Mutex
	f    *os.File
	size int64
}

// Open opens (or creates, mode 0600) the log at path. A file that has
// already reached max is moved aside first.
func Open(path string, max int64) (*File, error) {
	l := &File{path: path, max: max}
	if err := l.open(); err != nil {
		return nil, err
	}
	if l.size >= max {
		if err := l.rotate(); err != nil {
			l.f.Close()
			return nil, err
		}
	}
	return l, nil
}

// Path is where the log is.
func (l *File) Path() string { return l.path }

func (l *File) open() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log file: %w", err)
	}
	// A file made looser by hand (or by an older build) holds record ids
	// and vendors' messages: keep it to its owner like the data file.
	if st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return fmt.Errorf("log file: %w", err)
		}
	}
	l.f, l.size = f, st.Size()
	return nil
}

// rotate moves the log to Path+".1" (replacing an older one) and starts a
// new file.
func (l *File) rotate() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	// A refused rename (on Windows, while the other process sharing the
	// log has it open: Go opens files without FILE_SHARE_DELETE) writes
	// on past max rather than ending the log; the next write tries again.
	_ = os.Rename(l.path, l.path+".1")
	return l.open()
}

// follow reopens Path when another process sharing the log (the window
// and `crmsync scheduler`) has moved it aside: writing on to the moved
// file would put lines in .1, which that process's next rotation deletes
// while this one still writes to it. It also takes the size from the
// file, so both processes' lines count toward Max.
func (l *File) follow() error {
	cur, err := l.f.Stat()
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	if at, err := os.Stat(l.path); err == nil && os.SameFile(cur, at) {
		l.size = cur.Size()
		return nil
	}
	l.f.Close()
	return l.open()
}

// Write appends p, rotating first when p would take the file past its size.
func (l *File) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, fs.ErrClosed
	}
	if err := l.follow(); err != nil {
		l.f = nil
		return 0, err
	}
	if l.size > 0 && l.size+int64(len(p)) > l.max {
		if err := l.rotate(); err != nil {
			l.f = nil
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

// Close closes the file; later writes fail with fs.ErrClosed.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
