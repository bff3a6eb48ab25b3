package transport

import (
	"bytes"
	"io"
)

// Bodies reuses the buffers response bodies are read into. io.ReadAll
// starts every body at 512 bytes and grows it by copying: a Salesforce
// page of 2,000 records (about 1 MB) allocated about three times its size,
// and response bodies were a tenth of all a 100k-contact first sync
// allocated (BENCHMARKS.md, fix 35). A connection reads one page at a time,
// so a few buffers serve it. A Bodies is safe for concurrent use; a nil
// *Bodies reads into a new buffer every time.
type Bodies struct {
	free chan *bytes.Buffer
}

// NewBodies returns a Bodies that keeps up to keep buffers.
func NewBodies(keep int) *Bodies {
	return &Bodies{free: make(chan *bytes.Buffer, keep)}
}

// maxKept bounds the buffers kept: one unusually large body must not stay
// resident for the life of the connection.
const maxKept = 8 << 20

// Read reads at most limit bytes of r into a buffer from b. Hand the
// buffer back with Put once nothing refers to its bytes.
func (b *Bodies) Read(r io.Reader, limit int64) (*bytes.Buffer, error) {
	buf := new(bytes.Buffer)
	if b != nil {
		select {
		case buf = <-b.free:
			buf.Reset()
		default:
		}
	}
	_, err := buf.ReadFrom(io.LimitReader(r, limit))
	return buf, err
}

// Put hands buf back for a later Read. Nothing may refer to its bytes
// afterwards.
func (b *Bodies) Put(buf *bytes.Buffer) {
	if b == nil || buf == nil || buf.Cap() > maxKept {
		return
	}
	select {
	case b.free <- buf:
	default:
	}
}
