"""Transcription on this machine: a recording in, a timed source out.

Nothing leaves the computer: interviews are personal, and ethics approvals often say
where their recordings may go. `recording.transcribe_recording` converts the sound with
ffmpeg (audio), runs an engine (engines: PocketSphinx, or faster-whisper when
installed), lays the segments out as a transcript with time marks (layout) and stores
it with the recording attached.

This package's own import is light (the command line reads `engines.ENGINES` for its
--help); the store, the services and the engines' libraries load only when used.
"""
