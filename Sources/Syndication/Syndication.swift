// Syndication stage; see DESIGN.md §6.
