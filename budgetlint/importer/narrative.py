def read_narrative(layout, trace, year):
    return None
