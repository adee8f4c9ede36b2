"""Demo configurations for seed_demo: realistic enough to edit, compare and route."""

RESTAURANT = {
    "profile": {
        "name": "Bella Tavola Reservations",
        "description": "Answers the restaurant's phone line: bookings, changes, opening hours.",
        "language": "en-GB",
    },
    "behaviour": {
        "systemPrompt": (
            "You are the friendly host of Bella Tavola, an Italian restaurant in Bristol.\n"
            "Help callers book, change or cancel a table.\n"
            "Always confirm the date, time, party size and a contact number.\n"
            "Tables seat at most 8; for larger parties, offer the private dining room.\n"
            "We are open Tuesday to Sunday, 12:00-14:30 and 17:30-22:00.\n"
            "Never promise a table without checking availability first.\n"
            "If the caller mentions an allergy, note it on the booking."
        ),
        "welcomeMessage": "Buongiorno, Bella Tavola! How can I help you today?",
    },
    "model": {"provider": "openai", "model": "gpt-4o-mini", "temperature": 0.4, "maxTokens": 400},
    "voice": {"ttsVoice": "sofia", "sttProvider": "deepgram"},
    "timing": {
        "vadSensitivity": 0.6,
        "allowInterruptions": True,
        "interruptionThresholdMs": 250,
        "silenceTimeoutMs": 700,
        "inactivityTimeoutS": 20,
        "inactivityMessage": "Are you still there?",
    },
    "backgroundSound": {"sound": "cafe", "volume": 0.15},
    "knowledgeBases": [
        {"id": "kb_menu01", "name": "menu", "retrieval": {"topK": 4, "minScore": 0.55}},
        {"id": "kb_faq001", "name": "faq", "retrieval": {"topK": 3, "minScore": 0.6}},
    ],
    "functions": [
        {
            "id": "fn_avail01",
            "name": "check_availability",
            "description": "Find free tables for a date, time and party size.",
            "parameters": {
                "type": "object",
                "properties": {
                    "date": {"type": "string", "format": "date"},
                    "time": {"type": "string"},
                    "party_size": {"type": "integer", "minimum": 1, "maximum": 20},
                },
                "required": ["date", "time", "party_size"],
            },
            "endpoint": {"method": "GET", "url": "https://bookings.example.com/availability"},
            "connection": "bookings-api",
        },
        {
            "id": "fn_book001",
            "name": "create_booking",
            "description": "Book a table once the caller has confirmed the details.",
            "parameters": {
                "type": "object",
                "properties": {
                    "date": {"type": "string"},
                    "time": {"type": "string"},
                    "party_size": {"type": "integer"},
                    "name": {"type": "string"},
                    "phone": {"type": "string"},
                    "notes": {"type": "string"},
                },
                "required": ["date", "time", "party_size", "name", "phone"],
            },
            "endpoint": {"method": "POST", "url": "https://bookings.example.com/bookings"},
            "connection": "bookings-api",
        },
        {
            "id": "fn_cancel1",
            "name": "cancel_booking",
            "description": "Cancel a booking by reference.",
            "parameters": {
                "type": "object",
                "properties": {"reference": {"type": "string"}},
                "required": ["reference"],
            },
            "endpoint": {"method": "DELETE", "url": "https://bookings.example.com/bookings"},
            "connection": "bookings-api",
        },
    ],
    "variables": [
        {"id": "var_maxpty", "name": "max_party_size", "type": "number", "default": 8},
        {"id": "var_branch", "name": "branch", "type": "string", "default": "Bristol"},
    ],
    "flows": [
        {
            "id": "flow_book01",
            "name": "booking",
            "definition": {
                "start": "greet",
                "steps": [
                    {
                        "id": "greet",
                        "prompt": "Ask how you can help.",
                        "transitions": [
                            {"to": "collect", "condition": "caller wants to book"},
                            {"to": "handoff", "condition": "caller asks for a person"},
                        ],
                    },
                    {
                        "id": "collect",
                        "prompt": "Collect date, time and party size.",
                        "transitions": [
                            {"to": "confirm", "condition": "a table is available"},
                        ],
                    },
                    {
                        "id": "confirm",
                        "prompt": "Read back the booking and confirm.",
                        "transitions": [],
                    },
                    {"id": "handoff", "prompt": "Transfer to the front desk.", "transitions": []},
                ],
            },
        }
    ],
    "callAnalysis": {
        "prompt": "Summarise the call and extract the booking outcome.",
        "fields": [
            {
                "id": "caf_outcom",
                "name": "outcome",
                "type": "enum",
                "description": "booked, changed, cancelled or no_booking",
            },
            {"id": "caf_party1", "name": "party_size", "type": "number", "description": "Guests"},
        ],
    },
}

UTILITY = {
    "profile": {
        "name": "Northgrid Billing Support",
        "description": "Handles billing questions, meter readings and payment plans for Northgrid Energy.",
        "language": "en-GB",
    },
    "behaviour": {
        "systemPrompt": (
            "You are Northgrid Energy's billing assistant.\n"
            "Verify the caller with their account number and postcode before discussing a bill.\n"
            "You can read balances, take meter readings and set up payment plans of up to 12 months.\n"
            "If a customer says they are struggling to pay, be kind and offer the hardship fund.\n"
            "Never read out full card numbers.\n"
            "Escalate complaints to a human agent."
        ),
        "welcomeMessage": "Hello, you're through to Northgrid Energy billing. How can I help?",
    },
    "model": {
        "provider": "anthropic",
        "model": "claude-haiku",
        "temperature": 0.2,
        "maxTokens": 600,
    },
    "voice": {"ttsVoice": "james", "sttProvider": "google"},
    "timing": {
        "vadSensitivity": 0.5,
        "allowInterruptions": True,
        "interruptionThresholdMs": 300,
        "silenceTimeoutMs": 900,
        "inactivityTimeoutS": 30,
        "inactivityMessage": "I'm still here if you need me.",
    },
    "backgroundSound": {"sound": "call-centre", "volume": 0.1},
    "knowledgeBases": [
        {"id": "kb_tariff", "name": "tariffs", "retrieval": {"topK": 5, "minScore": 0.5}},
    ],
    "functions": [
        {
            "id": "fn_verify1",
            "name": "verify_customer",
            "description": "Check an account number against a postcode.",
            "parameters": {
                "type": "object",
                "properties": {
                    "account_number": {"type": "string"},
                    "postcode": {"type": "string"},
                },
                "required": ["account_number", "postcode"],
            },
            "endpoint": {"method": "POST", "url": "https://crm.example.com/verify"},
            "connection": "northgrid-crm",
        },
        {
            "id": "fn_balanc",
            "name": "get_balance",
            "description": "Read the current balance of a verified account.",
            "parameters": {
                "type": "object",
                "properties": {"account_number": {"type": "string"}},
                "required": ["account_number"],
            },
            "endpoint": {"method": "GET", "url": "https://crm.example.com/balance"},
            "connection": "northgrid-crm",
        },
        {
            "id": "fn_meter1",
            "name": "submit_meter_reading",
            "description": "Record a meter reading.",
            "parameters": {
                "type": "object",
                "properties": {
                    "account_number": {"type": "string"},
                    "reading": {"type": "number"},
                },
                "required": ["account_number", "reading"],
            },
            "code": "def run(account_number, reading):\n    return meters.submit(account_number, reading)\n",
        },
    ],
    "variables": [
        {"id": "var_maxplan", "name": "max_plan_months", "type": "number", "default": 12},
        {"id": "var_hardsh", "name": "hardship_fund_open", "type": "boolean", "default": True},
    ],
    "flows": [
        {
            "id": "flow_verif",
            "name": "verification",
            "definition": {
                "start": "ask",
                "steps": [
                    {
                        "id": "ask",
                        "prompt": "Ask for account number and postcode.",
                        "transitions": [
                            {"to": "done", "condition": "verified"},
                            {"to": "retry", "condition": "not verified"},
                        ],
                    },
                    {
                        "id": "retry",
                        "prompt": "Ask once more, then escalate.",
                        "transitions": [{"to": "done", "condition": "verified"}],
                    },
                    {"id": "done", "prompt": "Continue with the request.", "transitions": []},
                ],
            },
        }
    ],
    "callAnalysis": {
        "prompt": "Classify the call reason and whether it was resolved.",
        "fields": [
            {
                "id": "caf_reason",
                "name": "reason",
                "type": "enum",
                "description": "balance, meter_reading, payment_plan, complaint, other",
            },
            {"id": "caf_resolv", "name": "resolved", "type": "boolean", "description": ""},
        ],
    },
}

ACME = {
    "profile": {"name": "Acme Helpdesk", "description": "Acme's internal IT helpdesk line."},
    "behaviour": {
        "systemPrompt": "You are Acme's IT helpdesk. Help staff reset passwords and log tickets.",
        "welcomeMessage": "Acme IT helpdesk, how can I help?",
    },
}
