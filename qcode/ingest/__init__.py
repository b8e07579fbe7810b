"""Reading files into the store: transcripts, manifests, coding sheets, the demo."""
