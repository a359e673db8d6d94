// Placeholder, being written.
