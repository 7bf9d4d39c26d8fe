-- T8 reports to the municipal bureau (issue 16): the bureau's deadline per year, the operator's
-- own sections of the work report per district and year, the package submitted (its state, its
-- frozen KPI figures as JSON, the bureau's review) and the package's files as sent.
CREATE TABLE bureau_report_deadlines (
    year INTEGER PRIMARY KEY,
    -- 'YYYY-MM-DD' (Beijing): a package sent after this day is late.
    due_on TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE bureau_report_drafts (
    district_code TEXT NOT NULL REFERENCES districts(code),
    year INTEGER NOT NULL,
    -- 存在问题, 下一年度工作计划 (paragraphs separated by line breaks).
    problems TEXT NOT NULL,
    plan TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (district_code, year)
);

CREATE TABLE bureau_report_packages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_code TEXT NOT NULL REFERENCES districts(code),
    year INTEGER NOT NULL,
    -- submitted | returned | accepted
    status TEXT NOT NULL,
    -- The last submission came after the deadline (0/1).
    late INTEGER NOT NULL,
    -- How many times it was submitted (1, then 2 after a return ...).
    submissions INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users(id),
    -- The KPI report at the last submission (the service's KpiReport as JSON).
    snapshot_json TEXT NOT NULL,
    -- The bureau's last review.
    review_comment TEXT,
    reviewed_at INTEGER,
    reviewed_by INTEGER REFERENCES users(id),
    UNIQUE (district_code, year)
);
CREATE INDEX bureau_report_packages_year ON bureau_report_packages(year);

CREATE TABLE bureau_report_files (
    package_id INTEGER NOT NULL REFERENCES bureau_report_packages(id),
    -- work_report | statistics | survey_report
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (package_id, kind)
);
