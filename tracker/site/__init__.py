"""Server-rendered pages for officers, chairs, report authors and the public.

Every page reads through the visibility rules on the querysets (`visible_to`, `listed_to`)
and changes things only through the service functions beside the models, so a page shows
and does exactly what the API and the admin would.
"""
