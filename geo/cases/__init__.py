"""Cases: intake, routing, the closed-loop workflow, deadlines, escalation, reading and KPIs."""
