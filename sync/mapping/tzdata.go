package mapping

// The date transforms name IANA zones; embed the database so they work on
// machines without one (Windows, minimal containers).
import _ "time/tzdata"
