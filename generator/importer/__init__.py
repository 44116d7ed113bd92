"""`winback import`: a CRM's CSV export in, account files out, driven by a rules file.

    csvfile.py   bytes -> a table of cells, each with the line and column an editor shows
    values.py    cells -> dates, times and amounts, as the rules say they are written
    rules.py     the rules file (shipped: salesforce, hubspot; or the project's own)
    records.py   tables -> CRM records (accounts, contacts, cases, activities, tasks,
                 opportunities), each file's kind recognised from its header row
    status.py    an account's opportunities -> its status, dates, value and loss reasons
    merge.py     CRM records + an account file -> what is new for that file
    edit.py      what is new -> the file's new text, by adding lines only

The command itself, which reads the project and writes, is `generator.commands.import_`.
"""

# The kinds of file an export has, in the order they are read.
KINDS = ("accounts", "contacts", "cases", "activities", "tasks", "opportunities")
