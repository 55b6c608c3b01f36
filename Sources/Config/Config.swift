// Config stage; see DESIGN.md §6.
