// Archive stage; see DESIGN.md §6.
