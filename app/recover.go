package app

import "context"

func (a *App) afterOpen(ctx context.Context) error { return nil }
