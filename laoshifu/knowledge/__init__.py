"""The master's knowledge: typed units, their checks and rule conditions, the base's words,
import and export of a folder or an upload, and drafts the master approves."""
