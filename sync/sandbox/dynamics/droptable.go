package dynamics

import "fmt"

// DeleteTable deletes a custom table, as a maker does in Power Apps
// (Tables > Delete table; only custom tables can be deleted): every
// request naming its entity set is then answered as for a set the
// organization never had, 404 0x8006088a "Resource not found for the
// segment '<set>'.", while a client's cached schema may still list it.
func (s *Sim) DeleteTable(entitySet string) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	if !t.def.custom {
		return fmt.Errorf("dynamics sim: %s is a system table and cannot be deleted", t.def.logical)
	}
	s.deletedTables.Store(entitySet, true)
	return nil
}
