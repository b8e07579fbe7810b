"""The operations a user can do. Each public function owns its transaction."""
