print("herold")
