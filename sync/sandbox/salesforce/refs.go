package salesforce

// RefusedReferenceNamesNoField makes a refused lookup value (an AccountId
// or OwnerId naming a record purged, in the Recycle Bin or never held)
// answer INVALID_CROSS_REFERENCE_KEY or ENTITY_IS_DELETED with an empty
// "fields" list (true), as the same codes answer for the record's own id
// gone, or name the lookup field (false, the default). [unverified] which
// Salesforce does: its docs show a lookup refusal's statusCode, not
// whether "fields" names the lookup in every case.
func (s *Sim) RefusedReferenceNamesNoField(on bool) { s.refNoField.Store(on) }
