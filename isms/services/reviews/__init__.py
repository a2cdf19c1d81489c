"""Review meetings of the Security Managers Group: the meeting's life (``meetings``), its agenda
(``agenda``), decisions (``decisions``) and taking one back (``undo``), what the SMG sees beside an
item (``context``), what falls due before the next meeting (``due``) and the minutes
(``minutes``)."""
