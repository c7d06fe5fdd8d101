def test_home_page_lists_published_pledges_only(client, make):
    published = make.pledge_in_progress(title="Regional Protection")
    make.pledge(title="Unpublished plan")
    page = client.get("/").get_data(as_text=True)
    assert published.title in page
    assert "Unpublished plan" not in page
