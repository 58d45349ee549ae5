// Keeps generated-code targets valid while their source lists are empty.
