// Pipeline stage; see DESIGN.md §6.
