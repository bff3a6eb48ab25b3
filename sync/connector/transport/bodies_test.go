package transport

import (
	"bytes"
	"strings"
	"testing"
)

// TestBodiesReuseAndBounds: a buffer handed back is the next one read
// into, holding only the new body; reads stop at the limit; oversized
// buffers are not kept; a nil *Bodies still reads.
func TestBodiesReuseAndBounds(t *testing.T) {
	b := NewBodies(1)
	first, err := b.Read(strings.NewReader("first body, the longer one"), 100)
	if err != nil || first.String() != "first body, the longer one" {
		t.Fatalf("first read: %q, %v", first.String(), err)
	}
	b.Put(first)
	second, err := b.Read(strings.NewReader("second"), 100)
	if err != nil || second.String() != "second" {
		t.Fatalf("second read: %q, %v", second.String(), err)
	}
	if second != first {
		t.Fatal("the buffer handed back was not reused")
	}
	cut, _ := b.Read(strings.NewReader("0123456789"), 4)
	if cut.String() != "0123" {
		t.Fatalf("read past the limit: %q", cut.String())
	}
	big := bytes.NewBuffer(make([]byte, 0, maxKept+1))
	b.Put(big)
	if again, _ := b.Read(strings.NewReader("x"), 10); again == big {
		t.Fatal("a buffer larger than maxKept was kept")
	}
	var none *Bodies
	if nb, err := none.Read(strings.NewReader("nil ok"), 10); err != nil || nb.String() != "nil ok" {
		t.Fatalf("nil Bodies: %q, %v", nb.String(), err)
	}
	none.Put(first) // no-op, no panic
}
