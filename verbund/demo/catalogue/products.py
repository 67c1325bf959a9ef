"""The demo products of citeq (the table the loader writes through the catalogue services)."""

from verbund.demo.catalogue.spec import (
    AROUND_THE_CLOCK,
    BY_ARRANGEMENT,
    DRAFT_ONLY,
    FROM_2026,
    OFFICE_HOURS,
    ON_CALL_SUPPORT,
    UNTIL_2025,
    C,
    ProductSpec,
    U,
)

# fmt: off
PRODUCTS: list[ProductSpec] = [
    # ------------------------------------------------------------------ workplace
    ProductSpec(
        "ARB-010", "ARB", C.WORKPLACE, U.WORKSTATION,
        "Standard-Arbeitsplatz", "Standard workplace",
        "Büroarbeitsplatz mit PC, zwei Monitoren, Betriebssystem, Office-Paket, Virenschutz, Softwareverteilung, "
        "Patch-Management und Hardwaretausch nach fünf Jahren. Abgerechnet je Arbeitsplatz und Jahr.",
        "Office workplace with PC, two monitors, operating system, office suite, anti-virus, software distribution, "
        "patch management and hardware replacement after five years. Charged per workstation and year.",
        "1320.00", in_standard_package=True, availability="99.00",
    ),
    ProductSpec(
        "ARB-011", "ARB", C.WORKPLACE, U.WORKSTATION,
        "Arbeitsplatz Power", "Power workplace",
        "Variante des Standard-Arbeitsplatzes mit leistungsstarker Workstation (mehr Arbeitsspeicher, "
        "Grafikkarte) für GIS, CAD und Bauverwaltung.",
        "Variant of the standard workplace with a high-performance workstation (more memory, graphics card) for "
        "GIS, CAD and building administration.",
        "1780.00", variant_of="ARB-010", availability="99.00",
    ),
    ProductSpec(
        "ARB-020", "ARB", C.WORKPLACE, U.WORKSTATION,
        "Mobiler Arbeitsplatz (Notebook)", "Mobile workplace (notebook)",
        "Notebook mit Dockingstation, Festplattenverschlüsselung und Zugang zum Verwaltungsnetz über VPN; "
        "geeignet für Homeoffice und Außendienst.",
        "Notebook with docking station, disk encryption and VPN access to the administration network; suited "
        "for home office and field work.",
        "1490.00", availability="98.50",
    ),
    ProductSpec(
        "ARB-030", "ARB", C.WORKPLACE, U.USER,
        "Mobilgeräte-Management (Smartphone und Tablet)", "Mobile device management (smartphone and tablet)",
        "Zentrale Verwaltung dienstlicher Smartphones und Tablets (MDM): Einrichtung, App-Verteilung, "
        "Sperren und Löschen bei Verlust. Abgerechnet je Nutzerin und Nutzer.",
        "Central management of official smartphones and tablets (MDM): enrolment, app distribution, locking "
        "and wiping on loss. Charged per user.",
        "108.00", notice_months=3, availability="98.50",
    ),
    ProductSpec(
        "ARB-090", "ARB", C.WORKPLACE, U.USER,
        "KI-Assistenz für die Sachbearbeitung (Pilot)", "AI assistant for case workers (pilot)",
        "Geplanter Dienst: datenschutzkonformer Textassistent im Verwaltungsnetz (Zusammenfassen, Entwürfe, "
        "Recherche in Dienstanweisungen). In Vorbereitung, noch nicht bestellbar.",
        "Planned service: privacy-compliant text assistant in the administration network (summaries, drafts, "
        "search in internal rules). In preparation, not yet orderable.",
        "120.00", lifecycle=DRAFT_ONLY, notice_months=3, availability="98.00",
    ),
    # ------------------------------------------------------------------ communication
    ProductSpec(
        "KOM-010", "KOM", C.COMMUNICATION, U.USER,
        "E-Mail-Postfach", "E-mail mailbox",
        "Persönliches Postfach (50 GB) mit Kalender, Kontakten, Spam- und Virenschutz sowie Zugriff über "
        "Outlook, Web und Mobilgeräte. Funktionspostfächer werden wie Nutzer abgerechnet.",
        "Personal mailbox (50 GB) with calendar, contacts, spam and virus protection and access via Outlook, web "
        "and mobile devices. Shared mailboxes are charged like users.",
        "78.00", in_standard_package=True, notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.50",
    ),
    ProductSpec(
        "KOM-020", "KOM", C.COMMUNICATION, U.USER,
        "Kollaborationsplattform (Chat, Video, Dateiablage)", "Collaboration platform (chat, video, file sharing)",
        "Souverän betriebene Plattform für Chat, Videokonferenzen, gemeinsame Dateiablage und Online-Bearbeitung "
        "von Dokumenten, auch mit Externen.",
        "Sovereignly operated platform for chat, video conferences, shared file storage and online editing of "
        "documents, also with external participants.",
        "96.00", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.00",
    ),
    ProductSpec(
        "KOM-030", "KOM", C.COMMUNICATION, U.USER,
        "VoIP-Telefonie", "VoIP telephony",
        "Telefonanschluss über das Verwaltungsnetz mit Tischtelefon oder Softphone, Rufnummernmitnahme, "
        "Voicemail und Anbindung an Call-Center-Funktionen.",
        "Telephone line over the administration network with desk phone or softphone, number porting, voicemail "
        "and call-centre functions.",
        "92.00", notice_months=6, availability="99.50",
    ),
    ProductSpec(
        "KOM-090", "KOM", C.COMMUNICATION, U.USER,
        "Telefax-Dienst (zentraler Faxserver)", "Fax service (central fax server)",
        "Empfang und Versand von Telefaxen als E-Mail über den zentralen Faxserver. Zum 31.12.2025 eingestellt; "
        "Nachfolge: E-Mail und sichere Übermittlungswege.",
        "Sending and receiving faxes as e-mail via the central fax server. Discontinued on 31 Dec 2025; "
        "succeeded by e-mail and secure transmission channels.",
        "26.00", lifecycle=UNTIL_2025, notice_months=3, availability="98.00",
    ),
    # ------------------------------------------------------------------ digital administration (OZG)
    ProductSpec(
        "OZG-010", "OZG", C.COMMUNICATION, U.INHABITANT,
        "Bürger- und Unternehmensportal mit Servicekonto", "Citizen and business portal with service account",
        "Kommunales Serviceportal mit Anbindung an das Servicekonto NRW und die BundID, Zuständigkeitsfinder und "
        "Postfach. Abgerechnet je Einwohnerin und Einwohner der Kommune.",
        "Municipal service portal connected to the NRW service account and BundID, with responsibility finder "
        "and mailbox. Charged per inhabitant of the municipality.",
        "0.38", notice_months=12, service_hours=AROUND_THE_CLOCK, availability="99.50",
    ),
    ProductSpec(
        "OZG-020", "OZG", C.SPECIALISED_PROCEDURE, U.INHABITANT,
        "OZG-Onlinedienste-Paket (EfA-Nachnutzung)", "OZG online services bundle (EfA re-use)",
        "Bereitstellung und Pflege der Onlinedienste nach dem Onlinezugangsgesetz einschließlich nachgenutzter "
        "Einer-für-Alle-Leistungen und Antragsmanagement mit Übergabe an die Fachverfahren.",
        "Provision and maintenance of the online services under the Online Access Act, including re-used "
        "one-for-all services and application management with hand-over to the specialised procedures.",
        "0.27", notice_months=12, service_hours=AROUND_THE_CLOCK, availability="99.00",
    ),
    ProductSpec(
        "OZG-030", "OZG", C.SPECIALISED_PROCEDURE, U.USER,
        "E-Akte (Dokumentenmanagement und Vorgangsbearbeitung)", "E-file (document and case management)",
        "Elektronische Aktenführung nach dem E-Government-Gesetz NRW mit Posteingangsscan-Anbindung, Workflow und "
        "Aussonderung an das Archiv.",
        "Electronic records management under the NRW e-government act with incoming-mail scan integration, "
        "workflow and transfer to the archive.",
        "168.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "OZG-040", "OZG", C.SPECIALISED_PROCEDURE, U.USER,
        "Ratsinformationssystem", "Council information system",
        "Sitzungsdienst und Ratsinformationssystem mit Mandatsträger-App und Bürgerinformation; aus dem Portfolio "
        "des Zweckverbands KAAW übernommen. Abgerechnet je Nutzerin und Nutzer (einschließlich Mandatsträger).",
        "Council meeting management and information system with an app for councillors and public information; "
        "taken over from the portfolio of the KAAW association. Charged per user (including councillors).",
        "42.00", lifecycle=FROM_2026, origin="KAAW", notice_months=6, availability="99.00",
    ),
    # ------------------------------------------------------------------ finance and HR
    ProductSpec(
        "FIN-010", "FIN", C.SPECIALISED_PROCEDURE, U.USER,
        "Finanzsoftware Doppik (NKF)", "Finance software, double-entry accounting (NKF)",
        "Haushaltsplanung, Buchführung, Anlagenbuchhaltung und Jahresabschluss nach dem Neuen Kommunalen "
        "Finanzmanagement NRW, einschließlich Releasewechsel und Fachbetreuung.",
        "Budget planning, accounting, fixed-asset accounting and annual accounts under the NRW municipal "
        "financial management (NKF), including release upgrades and functional support.",
        "690.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "FIN-020", "FIN", C.SPECIALISED_PROCEDURE, U.USER,
        "Kassen- und Vollstreckungsverfahren", "Cash office and enforcement procedure",
        "Zahlungsverkehr der Gemeindekasse, Mahnwesen und Vollstreckung mit Anbindung an die Finanzsoftware.",
        "Payments of the municipal cash office, dunning and enforcement, integrated with the finance software.",
        "540.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "FIN-030", "FIN", C.SPECIALISED_PROCEDURE, U.CASE,
        "Personalabrechnung (Entgelt und Besoldung)", "Payroll (salaries and civil-servant pay)",
        "Entgelt- und Bezügeabrechnung nach TVöD und Landesbesoldungsgesetz mit Meldeverfahren an Sozialver"
        "sicherung und Finanzamt. Ein Fall ist eine abgerechnete Person je Jahr.",
        "Payroll under the TVöD collective agreement and the state pay act, with reporting to social insurance "
        "and tax office. One case is one employee on the payroll per year.",
        "84.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "FIN-040", "FIN", C.SPECIALISED_PROCEDURE, U.USER,
        "Steuern und Abgaben (Grundsteuer, Gewerbesteuer)", "Taxes and charges (property tax, trade tax)",
        "Veranlagung und Bescheiderstellung für Grundbesitzabgaben, Gewerbesteuer und Hundesteuer mit "
        "Schnittstelle zum Finanzamt (ELSTER) und zur Kasse.",
        "Assessment and notices for property charges, trade tax and dog tax with interfaces to the tax office "
        "(ELSTER) and the cash office.",
        "610.00", notice_months=12, availability="99.50",
    ),
    # ------------------------------------------------------------------ citizen services and welfare
    ProductSpec(
        "BUE-010", "BUE", C.SPECIALISED_PROCEDURE, U.USER,
        "Einwohnerwesen (Meldewesen)", "Residents' registration",
        "Melderegister mit XMeld-Datenaustausch, Ausweis- und Passwesen sowie Auskunftsportal für Behörden.",
        "Population register with XMeld data exchange, identity cards and passports, and an information "
        "portal for authorities.",
        "720.00", notice_months=12, availability="99.70",
    ),
    ProductSpec(
        "BUE-020", "BUE", C.SPECIALISED_PROCEDURE, U.USER,
        "Personenstandswesen (Standesamt)", "Civil status registration (registry office)",
        "Elektronisches Personenstandsregister mit Beurkundung von Geburten, Eheschließungen und Sterbefällen "
        "und XPersonenstand-Nachrichten.",
        "Electronic civil status register for births, marriages and deaths with XPersonenstand messages.",
        "840.00", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "BUE-030", "BUE", C.SPECIALISED_PROCEDURE, U.CASE,
        "Kfz-Zulassung (einschließlich i-Kfz)", "Vehicle registration (including online i-Kfz)",
        "Fachverfahren der Zulassungsbehörde mit Anbindung an das Kraftfahrt-Bundesamt und die internetbasierte "
        "Fahrzeugzulassung; von der IT des Kreises Steinfurt eingebracht. Ein Fall ist ein Zulassungsvorgang.",
        "Procedure of the vehicle registration authority, connected to the Federal Motor Transport Authority "
        "and online registration; brought in by the IT of Kreis Steinfurt. One case is one registration.",
        "0.95", lifecycle=FROM_2026, origin="Kreis Steinfurt IT", notice_months=12, availability="99.70",
    ),
    ProductSpec(
        "BUE-040", "BUE", C.SPECIALISED_PROCEDURE, U.USER,
        "Ausländerwesen", "Foreigners' registration",
        "Fachverfahren der Ausländerbehörde mit XAusländer, Anbindung an das Ausländerzentralregister und "
        "Terminmanagement; aus dem Portfolio des Zweckverbands KAAW übernommen.",
        "Procedure of the immigration office with XAusländer, link to the Central Register of Foreign Nationals "
        "and appointment management; taken over from the portfolio of the KAAW association.",
        "640.00", lifecycle=FROM_2026, origin="KAAW", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "BUE-050", "BUE", C.SPECIALISED_PROCEDURE, U.USER,
        "Sozialwesen (SGB XII, AsylbLG)", "Social welfare (SGB XII, asylum seekers' benefits)",
        "Leistungssachbearbeitung für Sozialhilfe, Grundsicherung und Asylbewerberleistungen mit Zahlbarmachung; "
        "von der IT des Kreises Steinfurt eingebracht.",
        "Case work for social assistance, basic income support and asylum seekers' benefits including payments; "
        "brought in by the IT of Kreis Steinfurt.",
        "760.00", lifecycle=FROM_2026, origin="Kreis Steinfurt IT", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "BUE-060", "BUE", C.SPECIALISED_PROCEDURE, U.INHABITANT,
        "Wahlen (Wahlorganisation und Ergebnisermittlung)", "Elections (organisation and results)",
        "Wählerverzeichnis, Briefwahl, Wahlhelferverwaltung und Schnellmeldung der Ergebnisse mit Präsentation im "
        "Internet. Abgerechnet je Einwohnerin und Einwohner.",
        "Electoral roll, postal voting, poll-worker management and quick reporting and online presentation of "
        "results. Charged per inhabitant.",
        "0.06", notice_months=12, support_hours="Mo–Fr 07:30–16:30, an Wahltagen 08:00–24:00", availability="99.90",
    ),
    # ------------------------------------------------------------------ data centre and infrastructure
    ProductSpec(
        "RZ-010", "RZI", C.DATA_CENTRE, U.CASE,
        "Server-Hosting (virtueller Server)", "Server hosting (virtual server)",
        "Virtueller Server im georedundanten Rechenzentrum (bis 4 vCPU, 16 GB RAM) mit Betriebssystempflege und "
        "Überwachung. Ein Fall ist ein virtueller Server je Jahr.",
        "Virtual server in the geo-redundant data centre (up to 4 vCPU, 16 GB RAM) with operating-system "
        "maintenance and monitoring. One case is one virtual server per year.",
        "1740.00", service_hours=AROUND_THE_CLOCK, support_hours=ON_CALL_SUPPORT, availability="99.80",
    ),
    ProductSpec(
        "RZ-030", "RZI", C.DATA_CENTRE, U.GIGABYTE,
        "Speicherplatz (Fileservice)", "Storage (file service)",
        "Netzlaufwerke für Gruppen- und Benutzerablagen mit Snapshots; abgerechnet je belegtem GB und Jahr. Der "
        "Preis sinkt 2026 durch das neue Speichersystem.",
        "Network drives for group and personal storage with snapshots; charged per GB used and year. The price "
        "falls in 2026 thanks to the new storage system.",
        "0.24", price_2025="0.26", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.80",
    ),
    ProductSpec(
        "RZ-040", "RZI", C.DATA_CENTRE, U.GIGABYTE,
        "Datensicherung (Backup)", "Data backup",
        "Tägliche Sicherung mit Aufbewahrung für 90 Tage an einem zweiten Standort und Wiederherstellung auf "
        "Anforderung; abgerechnet je gesichertem GB und Jahr.",
        "Daily backup kept for 90 days at a second site and restore on request; charged per GB backed up and "
        "year.",
        "0.12", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.50",
    ),
    ProductSpec(
        "RZ-050", "RZI", C.DATA_CENTRE, U.GIGABYTE,
        "Elektronische Langzeitarchivierung (TR-ESOR)", "Long-term electronic archiving (TR-ESOR)",
        "Beweiswerterhaltende Langzeitspeicherung nach BSI TR-ESOR für E-Akte und Fachverfahren; aus dem "
        "Portfolio des Zweckverbands KAAW übernommen.",
        "Evidence-preserving long-term storage under BSI TR-ESOR for e-files and specialised procedures; taken "
        "over from the portfolio of the KAAW association.",
        "0.29", lifecycle=FROM_2026, origin="KAAW", notice_months=12, availability="99.50",
    ),
    ProductSpec(
        "INF-010", "RZI", C.INFRASTRUCTURE, U.WORKSTATION,
        "Netz- und Sicherheitspauschale", "Network and security flat fee",
        "Anbindung der Standorte an das kommunale Verwaltungsnetz, Internetzugang, Firewall, E-Mail- und "
        "Webfilter sowie Anschluss an das Landesnetz NRW. Abgerechnet je Arbeitsplatz.",
        "Connection of the sites to the municipal administration network, internet access, firewall, e-mail "
        "and web filtering and access to the NRW state network. Charged per workstation.",
        "168.00", in_standard_package=True, service_hours=AROUND_THE_CLOCK, support_hours=ON_CALL_SUPPORT,
        availability="99.70",
    ),
    ProductSpec(
        "INF-020", "RZI", C.INFRASTRUCTURE, U.USER,
        "Fernzugang (VPN und Homeoffice)", "Remote access (VPN and home office)",
        "Gesicherter Zugang zum Verwaltungsnetz von unterwegs und aus dem Homeoffice mit Zwei-Faktor-"
        "Authentifizierung.",
        "Secure access to the administration network on the road and from home with two-factor authentication.",
        "54.00", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="99.00",
    ),
    ProductSpec(
        "INF-030", "RZI", C.INFRASTRUCTURE, U.USER,
        "Verzeichnisdienst und Identitätsmanagement", "Directory service and identity management",
        "Benutzerkonten, Gruppen und Berechtigungen, Single Sign-on für Fachverfahren und Self-Service für "
        "Passwörter.",
        "User accounts, groups and permissions, single sign-on for specialised procedures and password "
        "self-service.",
        "36.00", in_standard_package=True, service_hours=AROUND_THE_CLOCK, availability="99.80",
    ),
    # -------------------------------------------------- consulting, IT concept, introduction, purchasing
    ProductSpec(
        "BER-001", "BER", C.IT_CONCEPT, U.FLAT,
        "Grundpauschale IT-Verbund", "IT federation base fee",
        "Beitrag jedes Kooperationspartners zu den gemeinsamen Aufgaben nach der öffentlich-rechtlichen "
        "Vereinbarung: Zentral- und Arbeitsausschuss, Fortschreibung des gemeinsamen IT-Konzepts, "
        "Standardisierung und Koordination. Umlage ausschließlich gegen Kostenerstattung.",
        "Contribution of every partner to the joint tasks under the public-law agreement: central and working "
        "committee, the joint IT concept, standardisation and coordination. Charged at cost only.",
        "9800.00", price_2025="9500.00", not_taxable_2b=True, in_standard_package=True, notice_months=12,
        service_hours="", availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-010", "BER", C.CONSULTING, U.HOUR,
        "IT-Beratung", "IT consulting",
        "Beratung der Kooperationspartner in allen IT-Angelegenheiten, etwa Architektur, Ausschreibungsvorbereitung "
        "oder Auswahl von Fachverfahren. Abgerechnet je Stunde.",
        "Advice to the partners on all IT matters, such as architecture, tender preparation or choice of "
        "specialised procedures. Charged per hour.",
        "108.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-020", "BER", C.CONSULTING, U.HOUR,
        "Projektleitung und Projektmanagement", "Project lead and project management",
        "Leitung und Steuerung von Digitalisierungsprojekten der Kooperationspartner nach PM² oder "
        "vergleichbaren Methoden.",
        "Leading and steering the partners' digitalisation projects using PM² or comparable methods.",
        "118.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-030", "BER", C.CONSULTING, U.HOUR,
        "Informationssicherheits- und Datenschutzberatung", "Information security and data protection advice",
        "Unterstützung beim Aufbau eines ISMS nach BSI IT-Grundschutz, Schutzbedarfsfeststellungen und "
        "Datenschutz-Folgenabschätzungen.",
        "Support in setting up an ISMS following BSI IT-Grundschutz, protection-needs assessments and data "
        "protection impact assessments.",
        "112.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-040", "BER", C.IT_CONCEPT, U.HOUR,
        "IT-Konzeption und Digitalisierungsstrategie", "IT concept and digitalisation strategy",
        "Erstellung und Fortschreibung individueller IT- und Digitalisierungskonzepte eines Kooperationspartners "
        "auf Grundlage des gemeinsamen IT-Konzepts.",
        "Drafting and updating a partner's own IT and digitalisation concept based on the joint IT concept.",
        "115.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-050", "BER", C.SOFTWARE_INTRODUCTION, U.ONE_OFF,
        "Einführung Fachverfahren (Projektpauschale)", "Introduction of a specialised procedure (project fee)",
        "Einmalige Pauschale für die Einführung eines Fachverfahrens: Installation, Grundkonfiguration, "
        "Datenübernahme aus dem Altverfahren und Begleitung des Echtstarts.",
        "One-off fee for introducing a specialised procedure: installation, basic configuration, data take-over "
        "from the legacy system and go-live support.",
        "12500.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-060", "BER", C.SOFTWARE_INTRODUCTION, U.HOUR,
        "Customizing, Schnittstellen und Datenmigration", "Customising, interfaces and data migration",
        "Anpassung von Fachverfahren, Aufbau von Schnittstellen (XÖV) und Migration von Altdaten nach Aufwand.",
        "Customising of specialised procedures, interfaces (XÖV standards) and migration of legacy data, "
        "charged by effort.",
        "102.00", notice_months=3, service_hours=BY_ARRANGEMENT, availability=None, support_hours="",
    ),
    ProductSpec(
        "BER-070", "BER", C.PURCHASING, U.WORKSTATION,
        "Einkaufskoordinierung und Rahmenverträge", "Purchasing coordination and framework contracts",
        "Gemeinsame Beschaffung von Hard- und Software als zentrale Beschaffungsstelle für die "
        "Kooperationspartner (§ 120 Abs. 4 GWB), Pflege der Rahmenverträge und des Warenkorbs. Umlage je "
        "Arbeitsplatz ausschließlich gegen Kostenerstattung.",
        "Joint purchasing of hardware and software as central purchasing body for the partners (§ 120(4) GWB), "
        "maintenance of framework contracts and the catalogue of goods. Charged at cost per workstation.",
        "16.00", not_taxable_2b=True, notice_months=12, service_hours=OFFICE_HOURS, availability=None,
    ),
    ProductSpec(
        "BER-080", "BER", C.PURCHASING, U.USER,
        "Lizenzmanagement (Software-Volumenlizenzen)", "Licence management (volume licences)",
        "Verwaltung von Volumenlizenzverträgen, Lizenzbilanz und Vorbereitung von Herstelleraudits. "
        "Abgerechnet je lizenzierter Nutzerin und lizenziertem Nutzer.",
        "Management of volume licence agreements, licence balance and preparation of vendor audits. Charged "
        "per licensed user.",
        "14.00", notice_months=6, service_hours=OFFICE_HOURS, availability=None,
    ),
    # ------------------------------------------------------------------ training
    ProductSpec(
        "SCH-010", "SCH", C.TRAINING, U.CASE,
        "Anwenderschulung Fachverfahren (Teilnehmertag)", "User training for specialised procedures (per day)",
        "Schulung im Schulungszentrum der citeq oder online. Ein Fall ist ein Teilnehmertag (eine Person, ein "
        "Schulungstag).",
        "Training in citeq's training centre or online. One case is one participant day (one person, one day).",
        "245.00", notice_months=3, service_hours="Mo–Fr 08:30–16:00", availability=None, support_hours="",
    ),
    ProductSpec(
        "SCH-020", "SCH", C.TRAINING, U.CASE,
        "IT-Grundlagen und Office (Teilnehmertag)", "IT basics and office software (per day)",
        "Grundlagen- und Aufbaukurse zu Betriebssystem, Textverarbeitung, Tabellenkalkulation und E-Mail. Ein "
        "Fall ist ein Teilnehmertag.",
        "Basic and advanced courses on the operating system, word processing, spreadsheets and e-mail. One case "
        "is one participant day.",
        "195.00", notice_months=3, service_hours="Mo–Fr 08:30–16:00", availability=None, support_hours="",
    ),
    ProductSpec(
        "SCH-030", "SCH", C.TRAINING, U.USER,
        "Sensibilisierung Informationssicherheit (E-Learning)", "Information security awareness (e-learning)",
        "Jährliches E-Learning mit Phishing-Simulation und Nachweis für das ISMS; abgerechnet je Nutzerin und "
        "Nutzer.",
        "Yearly e-learning with phishing simulation and evidence for the ISMS; charged per user.",
        "12.50", notice_months=3, service_hours=AROUND_THE_CLOCK, availability="98.00",
    ),
    ProductSpec(
        "SCH-040", "SCH", C.TRAINING, U.ONE_OFF,
        "Inhouse-Schulung (Tagespauschale bis 12 Teilnehmende)", "In-house training (day rate, up to 12 people)",
        "Schulung in den Räumen des Kooperationspartners zu einem vereinbarten Thema, einmalig je Schulungstag.",
        "Training at the partner's premises on an agreed topic, one-off per training day.",
        "1390.00", notice_months=3, service_hours="nach Vereinbarung", availability=None, support_hours="",
    ),
]
# fmt: on

PRODUCTS_BY_NUMBER: dict[str, ProductSpec] = {spec.number: spec for spec in PRODUCTS}
