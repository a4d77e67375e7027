"""The motia runtime: the user-facing API step files import (`import motia`)."""
