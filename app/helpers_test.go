package app_test

import "fmt"

func fmtSscan(s string, v any) (int, error) { return fmt.Sscan(s, v) }
