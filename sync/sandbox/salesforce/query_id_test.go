package salesforce

import "testing"

// Ids order in base-62 (byte) order of their case-sensitive 15-char key,
// whichever case an 18-char id arrives in; datetimes compare by the second.
func TestIDKeyOrderAndWholeSeconds(t *testing.T) {
	a, b := makeID("003", 35), makeID("003", 36) // ...Z then ...a
	if idKey(a) >= idKey(b) {
		t.Fatalf("idKey(%s) >= idKey(%s): not base-62 order", a, b)
	}
	lower := []byte(b)
	for i := range lower {
		if lower[i] >= 'A' && lower[i] <= 'Z' {
			lower[i] += 'a' - 'A'
		}
	}
	if idKey(string(lower)) != b[:15] {
		t.Fatalf("idKey(%s) = %s, want %s", lower, idKey(string(lower)), b[:15])
	}
	if wholeSeconds(1999) != 1 || wholeSeconds(2000) != 2 || wholeSeconds(-1) != -1 {
		t.Fatal("wholeSeconds does not truncate to the second")
	}
}
