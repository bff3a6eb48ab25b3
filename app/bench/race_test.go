//go:build race

package bench

// The race detector slows the engine several-fold; the CI-sized run halves
// its size under it to stay within a minute.
const raceEnabled = true
